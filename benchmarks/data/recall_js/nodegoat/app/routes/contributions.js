/* Imitates OWASP NodeGoat app/routes/contributions.js (A1 server-side JavaScript injection). */
const ContributionsDAO = require("../data/contributions-dao").ContributionsDAO;
const { environmentalScripts } = require("../../config/config");

function ContributionsHandler(db) {
    "use strict";

    const contributionsDAO = new ContributionsDAO(db);

    this.displayContributions = (req, res, next) => {
        const { userId } = req.session;

        contributionsDAO.getByUserId(userId, (error, contrib) => {
            if (error) return next(error);

            contrib.userId = userId;
            return res.render("contributions", { ...contrib, environmentalScripts });
        });
    };

    this.handleContributionsUpdate = (req, res, next) => {

        /*jslint evil: true */
        // Insecure use of eval() to parse inputs
        // vuln: js-eval-of-dynamic-code
        const preTax = eval(req.body.preTax);
        // vuln: js-eval-of-dynamic-code
        const afterTax = eval(req.body.afterTax);
        // vuln: js-eval-of-dynamic-code
        const roth = eval(req.body.roth);

        const { userId } = req.session;

        if (isNaN(preTax) || isNaN(afterTax) || isNaN(roth) || preTax < 0 || afterTax < 0 || roth < 0) {
            return res.render("contributions", {
                updateError: "Invalid contribution percentages",
                userId,
                environmentalScripts
            });
        }
        if (preTax + afterTax + roth > 30) {
            return res.render("contributions", {
                updateError: "Contribution percentages cannot exceed 30 %",
                userId,
                environmentalScripts
            });
        }

        contributionsDAO.update(userId, preTax, afterTax, roth, (err, contributions) => {
            if (err) return next(err);
            contributions.updateSuccess = true;
            return res.render("contributions", { ...contributions, environmentalScripts });
        });
    };
}

module.exports = ContributionsHandler;
