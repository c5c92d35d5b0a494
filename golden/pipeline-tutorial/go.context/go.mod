module example.com/go_service

go 1.19
