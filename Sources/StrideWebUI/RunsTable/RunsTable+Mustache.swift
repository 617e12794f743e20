import Mustache

// The runs table renders thousands of values a page. Mustache reads a plain struct's fields
// through `Mirror`, which cost about 15 ms on a page of 50 rows; these lookups read them directly.

extension RunsTableRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "runID": runID
        case "name": self.name
        case "href": href
        case "status": status
        case "statusClass": statusClass
        case "started": started
        case "duration": duration
        case "user": user
        case "source": source
        case "sourceTitle": sourceTitle
        case "commit": commit
        case "commitTitle": commitTitle
        case "depthClass": depthClass
        case "isDeleted": isDeleted
        case "parentHref": parentHref
        case "cells": cells
        default: nil
        }
    }
}

extension RunsTableCell: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": text
        case "title": title
        case "numeric": numeric
        default: nil
        }
    }
}

extension RunsTableHeader: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "title": title
        case "sortHref": sortHref
        case "arrow": arrow
        case "numeric": numeric
        default: nil
        }
    }
}

extension Choice: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "value": value
        case "label": label
        case "selected": selected
        default: nil
        }
    }
}
