module example.com/cases

go 1.26.0

require (
	codeberg.org/gruf/go-mutexes v1.5.9
	github.com/duke-git/lancet/v2 v2.3.9
	github.com/samber/lo v1.53.0
	github.com/shopspring/decimal v1.6.0
	google.golang.org/protobuf v1.36.12
	gorm.io/gorm v1.31.2
)

require (
	codeberg.org/gruf/go-mempool v0.0.0-20251003110531-b54adae66253 // indirect
	github.com/jinzhu/inflection v1.0.0 // indirect
	github.com/jinzhu/now v1.1.5 // indirect
	golang.org/x/sys v0.36.0 // indirect
	golang.org/x/text v0.22.0 // indirect
)
