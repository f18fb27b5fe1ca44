/* Imitates OWASP NodeGoat app/routes/research.js (A10 SSRF through the stock symbol URL). */
const ResearchDAO = require("../data/research-dao").ResearchDAO;
const needle = require("needle");
const { environmentalScripts } = require("../../config/config");

function ResearchHandler(db) {
    "use strict";

    const researchDAO = new ResearchDAO(db);

    this.displayResearch = (req, res) => {

        if (req.query.symbol) {
            const url = req.query.url + req.query.symbol;
            // vuln: js-ssrf-tainted-url
            return needle.get(url, (error, newResponse, body) => {
                if (!error && newResponse.statusCode === 200) {
                    res.writeHead(200, { "Content-Type": "text/html" });
                }
                res.write("<h1>The following is the stock information you requested.</h1>\n\n");
                res.write("\n\n");
                res.write(body);
                return res.end();
            });
        }

        return res.render("research", { environmentalScripts });
    };
}

module.exports = ResearchHandler;
