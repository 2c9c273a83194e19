# diffusego — common tasks. `make deps demo` sets up and runs the main job;
# `make test` runs the tests (what CI runs).

GO      ?= go
PYTHON  ?= /usr/bin/python3
PEER    ?= ../shared/bench/torch_unet_bench.py
REF     := testdata/ref/benchunet.safetensors
FASHION := /usr/share/datasets/fashion-mnist
APT_PKGS := dataset-fashion-mnist python3-torch python3-numpy

.PHONY: all build test testdata vet fmt purego bench deps demo clean

all: build

build:
	$(GO) build -o bin/diffuse ./cmd/diffuse

## test: vet, then every test (the bench-unet reference is generated first when PyTorch is there)
test: testdata vet
	$(GO) test ./...

## testdata: the PyTorch bench-unet reference (weights, batch, output, activations, gradients)
testdata: $(REF)

$(REF):
	@mkdir -p $(dir $(REF))
	@if [ -f "$(PEER)" ] && $(PYTHON) -c 'import torch' 2>/dev/null; then \
		$(PYTHON) $(PEER) --export-reference $(REF); \
	else \
		echo "note: $(PEER) or PyTorch ($(PYTHON) -c 'import torch') not available: the bench-unet reference test will skip"; \
	fi

vet:
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

## purego: the whole suite on the pure-Go kernels
purego: testdata
	$(GO) test -tags purego ./...

## bench: kernel, op and model benchmarks (GFLOP/s, images/s)
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x ./internal/kernels/ ./autograd/ ./models/...

## deps: the Debian packages the project uses (data set, PyTorch peer)
deps:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		echo "installing:$$missing"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	$(GO) mod download

## demo: the main job (for now: learn Fashion-MNIST with the small CNN and report test accuracy)
demo: build
	$(GO) test -count=1 -run TestLearnsFashionMNIST -v ./models/classifier/

clean:
	rm -rf bin
