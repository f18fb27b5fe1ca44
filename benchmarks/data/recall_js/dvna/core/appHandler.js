/* Imitates Damn Vulnerable NodeJS Application (DVNA) core/appHandler.js. */
var db = require('../models')
var bCrypt = require('bcrypt')
const exec = require('child_process').exec;
var mathjs = require('mathjs')
var libxmljs = require("libxmljs");
var serialize = require("node-serialize")
var md5 = require('md5')
const Op = db.Sequelize.Op

module.exports.userSearch = function (req, res) {
	var query = "SELECT name,id FROM Users WHERE login='" + req.body.login + "'";
	// vuln: js-sql-query-built-from-strings
	db.sequelize.query(query, {
		model: db.User
	}).then(user => {
		if (user.length) {
			var output = {
				user: {
					name: user[0].name,
					id: user[0].id
				}
			}
			res.render('app/usersearch', {
				output: output
			})
		} else {
			req.flash('warning', 'User not found')
			res.render('app/usersearch', {
				output: null
			})
		}
	}).catch(err => {
		req.flash('danger', 'Internal Error')
		res.render('app/usersearch', {
			output: null
		})
	})
}

module.exports.ping = function (req, res) {
	// vuln: js-os-command-injection
	exec('ping -c 2 ' + req.body.address, function (err, stdout, stderr) {
		output = stdout + stderr
		res.render('app/ping', {
			output: output
		})
	})
}

module.exports.listProducts = function (req, res) {
	db.Product.findAll().then(products => {
		output = {
			products: products
		}
		res.render('app/products', {
			output: output
		})
	})
}

module.exports.productSearch = function (req, res) {
	db.Product.findAll({
		where: {
			name: {
				[Op.like]: '%' + req.body.name + '%'
			}
		}
	}).then(products => {
		output = {
			products: products,
			searchTerm: req.body.name
		}
		res.render('app/products', {
			output: output
		})
	})
}

module.exports.redirect = function (req, res) {
	if (req.query.url) {
		// vuln: js-open-redirect
		res.redirect(req.query.url)
	} else {
		res.send('invalid redirect url')
	}
}

module.exports.calc = function (req, res) {
	if (req.body.eqn) {
		res.render('app/calc', {
			// vuln: js-eval-of-dynamic-code
			output: mathjs.eval(req.body.eqn)
		})
	} else {
		res.render('app/calc', {
			output: 'Enter a valid math string like (3+3)*2'
		})
	}
}

module.exports.bulkProductsLegacy = function (req, res) {
	// TODO: Deprecate this soon
	if (req.files.products) {
		// vuln: js-unsafe-deserialization
		var products = serialize.unserialize(req.files.products.data.toString('utf8'))
		products.forEach(function (product) {
			var newProduct = new db.Product()
			newProduct.name = product.name
			newProduct.code = product.code
			newProduct.tags = product.tags
			newProduct.description = product.description
			newProduct.save()
		})
		res.redirect('/app/products')
	} else {
		res.render('app/bulkproducts', { messages: { danger: 'Invalid file' }, legacy: true })
	}
}

module.exports.forgotPw = function (req, res) {
	db.User.find({ where: { 'login': req.body.login } }).then(user => {
		if (user) {
			// vuln: js-weak-hash-for-secrets
			res.send('Check your email for a reset link: /resetpw?login=' + user.login + '&token=' + md5(req.body.login))
		} else {
			req.flash('danger', "Invalid login username")
			res.redirect('/forgotpw')
		}
	})
}

module.exports.userEdit = function (req, res) {
	res.render('app/useredit', {
		userId: req.user.id,
		userEmail: req.user.email,
		userName: req.user.name
	})
}

module.exports.productSearchSafe = function (req, res) {
	// safe: js-sql-query-built-from-strings
	db.sequelize.query('SELECT name FROM Products WHERE name LIKE ?', { replacements: ['%' + req.body.name + '%'] })
		.then(products => res.render('app/products', { output: { products } }))
}
