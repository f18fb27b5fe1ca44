/* Imitates OWASP Juice Shop routes/showProductReviews.ts (NoSQL `$where` injection, "NoSQL DoS"). */
import { type Request, type Response, type NextFunction } from 'express'
import * as db from '../data/mongodb'

export function showProductReviews () {
  return (req: Request, res: Response, next: NextFunction) => {
    const id = !Number.isNaN(Number(req.params.id)) ? Number(req.params.id) : req.params.id
    // vuln: js-nosql-injection
    db.reviewsCollection.find({ $where: 'this.product == ' + id }).then((reviews: any[]) => {
      res.json({ status: 'success', data: reviews })
    }, () => {
      res.status(400).json({ error: 'Wrong Params' })
    })
  }
}
