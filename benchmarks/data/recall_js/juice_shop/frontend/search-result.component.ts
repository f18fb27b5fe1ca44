/* Imitates OWASP Juice Shop frontend/src/app/search-result/search-result.component.ts (DOM XSS). */
import { Component, type OnDestroy, type AfterViewInit } from '@angular/core'
import { ActivatedRoute } from '@angular/router'
import { DomSanitizer } from '@angular/platform-browser'

@Component({ selector: 'app-search-result', templateUrl: './search-result.component.html' })
export class SearchResultComponent implements OnDestroy, AfterViewInit {
  public searchValue?: any

  constructor (private readonly route: ActivatedRoute, private readonly sanitizer: DomSanitizer) {}

  ngAfterViewInit () {
    this.filterTable()
  }

  filterTable () {
    let queryParam: string = this.route.snapshot.queryParams.q
    if (queryParam) {
      queryParam = queryParam.trim()
      // vuln: js-xss-inner-html
      this.searchValue = this.sanitizer.bypassSecurityTrustHtml(queryParam)
    } else {
      this.searchValue = undefined
    }
  }

  ngOnDestroy () {}
}
