// name: schema/tables
// description: The tables of a LadybugDB store (id, name, type NODE/REL, database, comment).
// params: none
// dialect: lbug
CALL show_tables() RETURN *
