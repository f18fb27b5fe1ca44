/* Imitates OWASP NodeGoat server.js (A3 autoescape off, A5 session cookie without flags). */
const express = require("express");
const session = require("express-session");
const consolidate = require("consolidate");
const swig = require("swig");
const bodyParser = require("body-parser");
const MongoClient = require("mongodb").MongoClient;
const routes = require("./app/routes");
const { port, db, cookieSecret } = require("./config/config");

MongoClient.connect(db, (err, db) => {
    const app = express();

    app.use(bodyParser.json());
    app.use(bodyParser.urlencoded({ extended: false }));

    app.use(session({
        secret: cookieSecret,
        saveUninitialized: true,
        resave: true,
        // vuln: js-cookie-without-secure-flags
        cookie: { httpOnly: false, secure: false }
    }));

    app.engine(".html", consolidate.swig);
    app.set("view engine", "html");
    app.set("views", `${__dirname}/app/views`);
    app.use(express.static(`${__dirname}/app/assets`));

    // Template system setup
    swig.setDefaults({
        // Autoescape disabled
        // vuln: js-template-escaping-disabled
        autoescape: false
    });

    routes(app, db);

    app.listen(port, () => {
        console.log(`Express http server listening on port ${port}`);
    });
});
