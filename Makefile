# Thin wrapper: the real work is in CMake presets and scripts/.
#   make deps   install Debian packages (root)
#   make build  configure + build (preset "default")
#   make test   build, then run the whole ctest suite and the short fuzz runs
#   make fuzz-long  every fuzz target for FUZZ_LONG_RUNS (10 million) executions, corpus
#               kept and minimized in build/fuzz-long (tests/fuzz/run-fuzz-long.sh)
#   make guests build the small test guest (kernel + initramfs) into vms/images
#   make demo   install, build and run the demo (scripts/demo.sh)
#   make install  cmake --install into PREFIX (default /usr/local; DESTDIR honoured)
#   make ci     what .ci/run does: deps + test
PRESET ?= default
FUZZ_SECONDS ?= 20

.PHONY: deps build test unit fuzz fuzz-long guests demo ci format clean install
deps:
	scripts/install-deps.sh all

build:
	cmake --preset $(PRESET)
	cmake --build --preset $(PRESET)

test: build
	scripts/run-tests.sh $(PRESET)

unit: build
	ctest --preset unit

fuzz:
	cmake --preset fuzz
	cmake --build --preset fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) ctest --preset fuzz

fuzz-long:
	cmake --preset fuzz
	cmake --build --preset fuzz
	tests/fuzz/run-fuzz-long.sh

guests:
	vms/build-test-guest.sh vms/images

demo: deps build guests
	scripts/demo.sh

PREFIX ?= /usr/local
install: build
	cmake --install build/$(PRESET) --prefix $(PREFIX)

ci:
	bash .ci/run

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build
