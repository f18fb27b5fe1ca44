/* Imitates OWASP NodeGoat app/routes/index.js (A10 unvalidated redirect on /learn). */
const SessionHandler = require("./session");
const ProfileHandler = require("./profile");
const ErrorHandler = require("./error").errorHandler;

const index = (app, db) => {
    "use strict";

    const sessionHandler = new SessionHandler(db);
    const profileHandler = new ProfileHandler(db);
    const isLoggedIn = sessionHandler.isLoggedInMiddleware;

    app.get("/", sessionHandler.displayWelcomePage);
    app.get("/login", sessionHandler.displayLoginPage);
    app.post("/login", sessionHandler.handleLoginRequest);
    app.get("/profile", isLoggedIn, profileHandler.displayProfile);
    app.post("/profile", isLoggedIn, profileHandler.handleProfileUpdate);

    // Handle redirect for learning resources link
    app.get("/learn", isLoggedIn, (req, res) => {
        // Insecure way to handle redirects by taking redirect url from query string
        // vuln: js-open-redirect
        return res.redirect(req.query.url);
    });

    app.use(ErrorHandler);
};

module.exports = index;
