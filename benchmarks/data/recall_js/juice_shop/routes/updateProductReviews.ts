/* Imitates OWASP Juice Shop routes/updateProductReviews.ts (NoSQL operator injection, "NoSQL Manipulation"). */
import { type Request, type Response, type NextFunction } from 'express'
import * as db from '../data/mongodb'
import * as security from '../lib/insecurity'

export function updateProductReviews () {
  return (req: Request, res: Response, next: NextFunction) => {
    const user = security.authenticatedUsers.from(req)
    // vuln: js-nosql-injection
    db.reviewsCollection.update(
      { _id: req.body.id },
      { $set: { message: req.body.message } },
      { multi: true }
    ).then((result: { modified: number, original: Array<{ author: any }> }) => {
      res.json(result)
    }, (err: unknown) => {
      res.status(500).json(err)
    })
  }
}
