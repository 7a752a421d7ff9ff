// name: schema/table_info
// description: The columns of one LadybugDB table in table order (property id, name, type, default, primary key / storage direction).
// params: none
// template: table
// dialect: lbug
CALL table_info('{table}') RETURN *
