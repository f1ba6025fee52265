module example.com/sqlxcases

go 1.26.0

require (
	github.com/jmoiron/sqlx v1.4.0
	github.com/rpadovani/sqlx-v2 v0.1.2
)

require golang.org/x/sync v0.19.0 // indirect
