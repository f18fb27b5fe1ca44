/* Imitates OWASP Juice Shop lib/insecurity.ts (MD5 password hashes, unverified JWT decoding). */
import crypto from 'node:crypto'
import jwt from 'jsonwebtoken'
import jws from 'jws'
import { type Request, type Response, type NextFunction } from 'express'

export const publicKey = 'placeholder-public-key'

// vuln: js-weak-hash-for-secrets
export const hash = (data: string) => crypto.createHash('md5').update(data).digest('hex')
export const hmac = (data: string) => crypto.createHmac('sha256', 'pa4qacea4VK9t9nGv7yZtwmj').update(data).digest('hex')

// vuln: js-jwt-signature-not-verified
export const decode = (token: string) => { return jws.decode(token)?.payload }

export const updateAuthenticatedUsers = () => (req: Request, res: Response, next: NextFunction) => {
  const token = req.cookies.token || utils.jwtFrom(req)
  if (token) {
    jwt.verify(token, publicKey, (err: Error | null, decoded: any) => {
      if (err === null) {
        if (authenticatedUsers.get(token) === undefined) {
          authenticatedUsers.put(token, decoded)
          // vuln: js-cookie-without-secure-flags
          res.cookie('token', token)
        }
      }
    })
  }
  next()
}
