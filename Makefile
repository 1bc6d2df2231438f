# signals — the two commands a newcomer needs are `make demo` and `make test`.
GO       ?= go
OUT      ?= out
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)

.PHONY: all build test demo demo-stop bench bench-1m profile vet lint clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -tags timetzdata -ldflags "$(LDFLAGS)" -o bin/signals ./cmd/signals

## test: every test, against real PostgreSQL clusters the tests boot themselves
test: vet
	./scripts/ensure-postgres.sh
	$(GO) test -count=1 -timeout 20m ./...

vet:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi

lint: vet

## demo: a local warehouse, seeded, the last closed month run, workbooks and digests in ./out
demo: build
	./scripts/ensure-postgres.sh
	./bin/signals demo --out $(OUT)

## demo-stop: stop the demo's PostgreSQL
demo-stop:
	@if [ -f $(OUT)/pgdata/postmaster.pid ]; then \
	  bin=$$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); \
	  if [ "$$(id -u)" -eq 0 ]; then runuser -u postgres -- $$bin/pg_ctl -D $(OUT)/pgdata -m fast stop; \
	  else $$bin/pg_ctl -D $(OUT)/pgdata -m fast stop; fi; \
	else echo "no demo database running"; fi

## bench: 100,000 customers x 36 months; prints wall time, rows/s and peak RSS per step
bench: build
	./scripts/ensure-postgres.sh
	$(GO) run ./internal/bench

## bench-1m: the 1,000,000-customer, 12-month variant, one run of each step (about 25 minutes)
bench-1m: build
	./scripts/ensure-postgres.sh
	$(GO) run ./internal/bench -customers 1000000 -months 12 -runs 1

## profile: CPU profile of the revenue job at 100,000 customers (JOB=health etc. for another); the seed is left out
JOB ?= mrr
profile:
	./scripts/ensure-postgres.sh
	mkdir -p $(OUT)/profile
	$(GO) test ./jobs -run '^$$' -bench 'Month100k/$(JOB)$$' -benchtime 5x -timeout 30m \
	  -cpuprofile $(OUT)/profile/$(JOB).cpu.prof -o $(OUT)/profile/jobs.test
	$(GO) tool pprof -top -cum -focus 'Runner..RunJob' -nodecount 30 $(OUT)/profile/jobs.test $(OUT)/profile/$(JOB).cpu.prof

clean: demo-stop
	rm -rf bin $(OUT)
