// name: store/ledger_support
// description: Every (issue, node key) pair of one label's support lists: rebuilds the ledger of a store written before it existed (once, when its table is created).
// params: none
// template: label, key, support
// dialect: lbug
MATCH (n:{label})
UNWIND n.{support} AS issue
RETURN issue, n.{key} AS key
