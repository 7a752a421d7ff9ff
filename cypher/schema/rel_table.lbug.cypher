// name: schema/rel_table
// description: Create the LadybugDB relationship table of one type, with every allowed endpoint pair (a multi-pair table when there are several).
// params: none
// template: type, endpoints, column_defs
// dialect: lbug
CREATE REL TABLE IF NOT EXISTS {type}({endpoints}, {column_defs})
