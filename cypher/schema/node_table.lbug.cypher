// name: schema/node_table
// description: Create the LadybugDB node table of one label (its schema properties, the support list, the key as primary key).
// params: none
// template: label, column_defs, key
// dialect: lbug
CREATE NODE TABLE IF NOT EXISTS {label}({column_defs}, PRIMARY KEY({key}))
