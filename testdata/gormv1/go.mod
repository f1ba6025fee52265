module example.com/gormv1cases

go 1.26.0

require github.com/jinzhu/gorm v1.9.16

require github.com/jinzhu/inflection v1.0.0 // indirect
