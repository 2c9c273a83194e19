# diffusego: `make deps demo` sets up a fresh Debian machine and runs the demo;
# `make test` is the test command CI runs (.ci/run).

GO      ?= go
PYTHON  ?= /usr/bin/python3
SHARED  ?= ../shared
DATA    ?= /usr/share/datasets/fashion-mnist
REF     := testdata/ref/benchunet.safetensors
DEBS    := dataset-fashion-mnist python3-torch python3-numpy
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all build test testdata bench deps fmt vet purego demo clean

all: build

## build: the diffuse binary in bin/
build:
	$(GO) build -o bin/diffuse ./cmd/diffuse

## test: vet, gofmt check, then every test (the README's test command)
test: testdata vet
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then \
		echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	$(GO) test ./...

## testdata: the PyTorch reference for the bench-unet test (not committed)
testdata:
	@if [ -f $(REF) ]; then \
		echo "testdata: $(REF) present"; \
	elif [ -f $(SHARED)/bench/torch_unet_bench.py ] && $(PYTHON) -c 'import torch, numpy' 2>/dev/null; then \
		echo "testdata: exporting $(REF) with PyTorch"; \
		mkdir -p $(dir $(REF)) && \
		$(PYTHON) $(SHARED)/bench/torch_unet_bench.py --export-reference $(REF); \
	else \
		echo "testdata: no $(PYTHON) with torch and numpy, or no $(SHARED)/bench/torch_unet_bench.py:"; \
		echo "testdata: the bench-unet reference test will skip (make deps installs PyTorch)"; \
	fi

## bench: kernel, autograd and model benchmarks, 3 iterations each
bench:
	$(GO) test -run XXX -bench . -benchtime 3x ./internal/kernels/ ./autograd/ ./models/...

## deps: Debian packages for the data set and the PyTorch reference
deps:
	@missing=""; for p in $(DEBS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: $(DEBS) installed"; \
	else echo "deps: installing$$missing"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## fmt: gofmt every Go file in place
fmt:
	gofmt -w .

## vet: go vet
vet:
	$(GO) vet ./...

## purego: the whole suite on the generic (non-assembly) kernels
purego:
	$(GO) test -tags purego ./...

## demo: build, summarise Fashion-MNIST, then train the small CNN classifier on it
## (about 3 minutes on 2 cores) and report its test accuracy; diffusion training
## replaces this as the main job when the image pipeline lands
demo: build
	bin/diffuse info --data $(DATA)
	$(GO) test -count=1 -run TestLearnsFashionMNIST -v ./models/classifier/

clean:
	rm -rf bin/
