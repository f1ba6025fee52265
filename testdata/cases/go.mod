module example.com/cases

go 1.26.0

require (
	github.com/duke-git/lancet/v2 v2.3.9
	github.com/samber/lo v1.53.0
	google.golang.org/protobuf v1.36.12
	gorm.io/gorm v1.31.2
)

require (
	github.com/jinzhu/inflection v1.0.0 // indirect
	github.com/jinzhu/now v1.1.5 // indirect
	golang.org/x/text v0.22.0 // indirect
)
