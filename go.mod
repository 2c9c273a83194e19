module github.com/diffusego/diffusego

go 1.26
