/* Imitates OWASP Juice Shop routes/login.ts (login SQL injection, "Login Admin" challenge). */
import { type Request, type Response, type NextFunction } from 'express'
import * as models from '../models/index'
import { UserModel } from '../models/user'
import * as security from '../lib/insecurity'

export function login () {
  return (req: Request, res: Response, next: NextFunction) => {
    // vuln: js-sql-query-built-from-strings
    models.sequelize.query(`SELECT * FROM Users WHERE email = '${req.body.email || ''}' AND password = '${security.hash(req.body.password || '')}' AND deletedAt IS NULL`, { model: UserModel, plain: true })
      .then((authenticatedUser: any) => {
        const user = { data: authenticatedUser }
        if (user.data?.id && user.data.totpSecret !== '') {
          res.status(401).json({ status: 'totp_token_required' })
        } else if (user.data?.id) {
          res.json({ authentication: { token: security.authorize(user), bid: 1, umail: user.data.email } })
        } else {
          res.status(401).send(res.__('Invalid email or password.'))
        }
      }).catch((error: Error) => {
        next(error)
      })
  }
}
