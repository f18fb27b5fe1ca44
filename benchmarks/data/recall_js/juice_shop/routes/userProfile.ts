/* Imitates OWASP Juice Shop routes/userProfile.ts (code evaluated from the username, "SSTi"). */
import fs from 'node:fs/promises'
import { type Request, type Response, type NextFunction } from 'express'
import { UserModel } from '../models/user'
import * as security from '../lib/insecurity'
import * as pug from 'pug'

export function getUserProfile () {
  return async (req: Request, res: Response, next: NextFunction) => {
    const template = await fs.readFile('views/userProfile.pug', { encoding: 'utf-8' })
    const loggedInUser = security.authenticatedUsers.get(req.cookies.token)
    if (!loggedInUser) {
      next(new Error('Blocked illegal activity by ' + req.socket.remoteAddress)); return
    }
    const user = await UserModel.findByPk(loggedInUser.data.id)
    let username = user?.username
    if (username?.match(/#{(.*)}/) !== null) {
      req.app.locals.abused_ssti_bug = true
      const code = username?.substring(2, username.length - 1)
      try {
        if (!code) {
          throw new Error('Username is null')
        }
        // vuln: js-eval-of-dynamic-code
        username = eval(code)
      } catch (err) {
        username = '\\' + username
      }
    }
    const fn = pug.compile(template.replace(/_username_/g, username ?? ''))
    res.send(fn(user))
  }
}
