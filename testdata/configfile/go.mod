module example.com/configfile

go 1.26.0
