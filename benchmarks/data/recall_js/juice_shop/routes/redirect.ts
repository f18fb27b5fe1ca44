/* Imitates OWASP Juice Shop routes/redirect.ts and lib/insecurity.ts's substring allowlist. */
import { type Request, type Response, type NextFunction } from 'express'

const redirectAllowlist = new Set([
  'https://github.com/juice-shop/juice-shop',
  'https://blockchain.info/address/1AbKfgvw9psQ41NbLi8kufDQTezwG8DRZm',
  'http://shop.spreadshirt.com/juiceshop'
])

// The allowlist check is a substring test: `https://evil.example/?https://github.com/juice-shop/juice-shop` passes.
const isRedirectAllowed = (url: string) => {
  let allowed = false
  for (const allowedUrl of redirectAllowlist) {
    allowed = allowed || url.includes(allowedUrl)
  }
  return allowed
}

export function performRedirect () {
  return ({ query }: Request, res: Response, next: NextFunction) => {
    const toUrl: string = query.to as string
    if (isRedirectAllowed(toUrl)) {
      // vuln: js-open-redirect
      res.redirect(toUrl)
    } else {
      res.status(406)
      next(new Error('Unrecognized target URL for redirect: ' + toUrl))
    }
  }
}
