# diffusego: `make demo` sets up a fresh Debian machine (the Fashion-MNIST
# package) and runs the main job; `make test` is the test command CI runs
# (.ci/run). The Debian packages are listed once, in .ci/deps.

GO      ?= go
PYTHON  ?= /usr/bin/python3
SHARED  ?= ../shared
DATA    ?= /usr/share/datasets/fashion-mnist
REF     := testdata/ref/benchunet.safetensors
REF_TEXT := testdata/ref/benchtext.safetensors

.PHONY: all build beam test-beam test testdata refexport bench deps data digits emoji fmt vet purego demo clean

all: build

## build: the diffuse binary in bin/
build:
	$(GO) build -o bin/diffuse ./cmd/diffuse

## beam: the diffuse-beam binary in bin/ (the beam/ module: Apache Beam
## pipelines; its first build takes minutes)
beam:
	cd beam && $(GO) build -o ../bin/diffuse-beam ./cmd/diffuse-beam

## test-beam: vet, gofmt check and the tests of the beam/ module, a module
## of its own that `go test ./...` does not enter (pipelines on prism
## against the diffuse command)
test-beam:
	@unformatted="$$(gofmt -l beam)"; if [ -n "$$unformatted" ]; then \
		echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	cd beam && $(GO) vet ./... && $(GO) test ./...

## test: install what the tests need (deps), vet, gofmt check, then every
## test, the beam/ module's included (the README's test command). Tests that read files outside the
## module reach them through testdata/ links, so Go's test cache notices
## when those files appear (see testdata/README.md).
test: deps testdata vet emoji
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then \
		echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	$(GO) test ./...
	@$(MAKE) --no-print-directory test-beam

## testdata: the PyTorch references for the bench-unet and bench-text tests (not committed)
testdata: deps
	@$(MAKE) --no-print-directory refexport REFFILE=$(REF) REFSCRIPT=torch_unet_bench.py REFNAME=bench-unet
	@$(MAKE) --no-print-directory refexport REFFILE=$(REF_TEXT) REFSCRIPT=torch_text_bench.py REFNAME=bench-text

refexport:
	@if [ -f $(REFFILE) ]; then \
		echo "testdata: $(REFFILE) present"; \
	elif [ -f $(SHARED)/bench/$(REFSCRIPT) ] && $(PYTHON) -c 'import torch, numpy' 2>/dev/null; then \
		echo "testdata: exporting $(REFFILE) with PyTorch"; \
		mkdir -p $(dir $(REFFILE)) && \
		$(PYTHON) $(SHARED)/bench/$(REFSCRIPT) --export-reference $(REFFILE); \
	else \
		echo "testdata: no $(PYTHON) with torch and numpy, or no $(SHARED)/bench/$(REFSCRIPT)"; \
		echo "testdata: (SHARED=folder holding bench/): the $(REFNAME) reference test will skip"; \
	fi

## bench: kernel, autograd and model benchmarks, 3 iterations each
bench:
	$(GO) test -run XXX -bench . -benchtime 3x ./internal/kernels/ ./autograd/ ./models/...

## deps: every Debian package in .ci/deps (data set, PyTorch on OpenBLAS,
## text corpora), then a check that PyTorch really runs on OpenBLAS
deps:
	@bash .ci/deps

## data: the Fashion-MNIST Debian package only (what the demo needs)
data:
	@bash .ci/deps dataset-fashion-mnist

## emoji: the emoji pictures and names (npm packages emoji-datasource-google
## and -twitter, 16.0.0, with their licences) in out/emoji; needs npm
emoji:
	data/emoji/fetch.sh out/emoji

## digits: the spoken-digit data set (20,000 one-second clips by espeak-ng
## voices, split by voice) in out/digits; installs espeak-ng and sox if missing
digits:
	audio/data/make-digits.sh out/digits 1

## fmt: gofmt every Go file in place
fmt:
	gofmt -w .

## vet: go vet
vet:
	$(GO) vet ./...

## purego: the whole suite on the generic (non-assembly) kernels
purego:
	$(GO) test -tags purego ./...

## demo: the main job. Install the data set if missing, build, train a
## small class-conditional model on Fashion-MNIST for DEMO_MINUTES (10) on
## all cores, then sample 100 images (10 per class) with their denoising
## trajectory and score them. Everything lands in out/demo/.
DEMO_MINUTES ?= 10
demo: data build
	bin/diffuse train --config configs/fashion.yaml --data $(DATA) --out out/demo --minutes $(DEMO_MINUTES)
	bin/diffuse sample --checkpoint out/demo --out out/demo/samples --n 100 --guidance 3 --trajectory
	bin/diffuse eval --samples out/demo/samples --data $(DATA)
	@echo "demo: samples in out/demo/samples (grid.png, trajectory.png), training curve out/demo/loss.png"

clean:
	rm -rf bin/
