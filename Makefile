# ward: two commands on a fresh Debian 12 machine.
#   make run    install dependencies, build, scan the demo data in examples/
#   make test   install dependencies, build with gcc (warnings are errors) and
#               with clang ASan+UBSan, run the whole suite under the sanitizers
BUILD     ?= build
TESTBUILD ?= build-test

.PHONY: all deps build run test fuzz bench install clean format

all: build

deps:
	@./scripts/install-deps

$(BUILD)/build.ninja:
	CC=gcc meson setup $(BUILD) --werror

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# ward exits 1 when it finds something, which the demo data is made to do.
run: build
	./$(BUILD)/cli/ward --config docs/ward.conf.example scan examples/; rc=$$?; [ $$rc -le 1 ]

$(TESTBUILD)/build.ninja:
	CC=clang meson setup $(TESTBUILD) -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fno-sanitize-recover=all

test: build $(TESTBUILD)/build.ninja
	ninja -C $(TESTBUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		meson test -C $(TESTBUILD) --print-errorlogs --num-processes 2; \
		rc=$$?; ./scripts/test-summary $(TESTBUILD); exit $$rc

# A short libFuzzer run of every target (FUZZ_SECONDS each, default 30).
fuzz: deps
	./fuzz/run.sh

bench: build
	./bench/eval-domains
	./bench/domains

install: build
	meson install -C $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(TESTBUILD) build-fuzz
