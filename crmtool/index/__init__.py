"""The SQLite index (`build/index.sqlite`): every record in tables, for questions, `crmtool
sql`, Datasette and plain `sqlite3`. `tables.py` describes the tables, `rows.py` turns a
record into rows, `build.py` keeps the file up to date, `questions.py` asks it things."""
