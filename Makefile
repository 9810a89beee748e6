# Thin wrapper over CMake.  The two commands of the README:
#   make run    build, create the demo database, write the annual report,
#               then serve the web pages and the API on port 8080
#   make test   build with ASan+UBSan (unoptimised) and run every test,
#               then build optimised and run the unit tests under valgrind
#               (so both configurations must compile without a warning)
# Both install the Debian packages they need first (scripts/deps.sh).

BUILD ?= build
ASAN_BUILD ?= build-asan
VG_BUILD ?= build-valgrind
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DEMO_DB ?= demo.db
YEAR ?= 2025
PORT ?= 8080
KIBAN = ./$(BUILD)/kiban
MAKEFLAGS += --no-print-directory

.PHONY: all build run test release-builds fuzz bench install clean

all: build

build:
	@sh scripts/deps.sh run
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIBAN_TESTS=OFF >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

# What make run says, in the language of KIBAN_LANG (ja by default; the
# kiban commands it runs read the same variable): make run KIBAN_LANG=en
KIBAN_LANG ?= ja
export KIBAN_LANG
REPORT = annual-report-$(YEAR).html
ifeq ($(KIBAN_LANG),en)
MSG_REPORT = Report: open file://$(CURDIR)/$(REPORT) in a browser; print it to PDF on A4.
MSG_INCIDENTS = Supply incidents: $(KIBAN) --db $(DEMO_DB) supply incident list
MSG_MORE = More: $(KIBAN) --help, man -l docs/kiban.1 (or make install, then kiban and man kiban)
MSG_SERVE = Open http://127.0.0.1:$(PORT)/ and sign in with a demo account above (Ctrl-C stops the server).
else
MSG_REPORT = 報告書: file://$(CURDIR)/$(REPORT) をブラウザで開き、A4 で PDF に印刷できます。
MSG_INCIDENTS = 供給の事案: $(KIBAN) --db $(DEMO_DB) supply incident list
MSG_MORE = 詳しくは: $(KIBAN) --help、man -l docs/kiban.1（make install の後は kiban と man kiban）
MSG_SERVE = ブラウザで http://127.0.0.1:$(PORT)/ を開き、上のデモ用アカウントでログインしてください（Ctrl-C で停止）。
endif

run: build
	@$(KIBAN) demo --db $(DEMO_DB) --force
	@$(KIBAN) --db $(DEMO_DB) report annual --year $(YEAR) -o $(REPORT)
	@echo
	@$(KIBAN) --db $(DEMO_DB) eval show --year $(YEAR)
	@echo
	@$(KIBAN) --db $(DEMO_DB) supply status
	@echo
	@$(KIBAN) --db $(DEMO_DB) supply alerts --severity warning --limit 10
	@echo
	@echo "$(MSG_REPORT)"
	@echo "$(MSG_INCIDENTS)"
	@echo "$(MSG_MORE)"
	@echo
	@echo "$(MSG_SERVE)"
	@$(KIBAN) --db $(DEMO_DB) serve --port $(PORT)

test:
	@sh scripts/deps.sh test
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DKIBAN_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j$(JOBS); rc=$$?; \
		grep -h '^SKIP' Testing/Temporary/LastTest.log 2>/dev/null | sed 's/^/skipped: /'; exit $$rc
	cmake -S . -B $(VG_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIBAN_VALGRIND=ON >/dev/null
	cmake --build $(VG_BUILD) -j$(JOBS)
	cd $(VG_BUILD) && ctest --output-on-failure -j$(JOBS) -L memcheck

# Every build type must compile without a warning (-Werror): Debug is built
# by make test (ASan), RelWithDebInfo by make test (valgrind) and make run;
# here the optimised ones with gcc and clang, where -O3 finds what -O0 misses.
release-builds:
	@sh scripts/deps.sh test
	cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build-release -j$(JOBS)
	CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build build-clang -j$(JOBS)

# libFuzzer over every parser of outside input (tests/fuzz/README.md), with
# clang, ASan and UBSan, in build-fuzz: FUZZ_SECONDS per harness, after the
# regressions; stops at the first finding and names its reproducer.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz:
	@sh scripts/deps.sh test
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIBAN_FUZZ=ON -DKIBAN_TESTS=OFF >/dev/null
	cmake --build $(FUZZ_BUILD) -j$(JOBS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_BUILD)

bench: build
	./$(BUILD)/bench_report
	./$(BUILD)/bench_supply
	./$(BUILD)/bench_scenario
	./$(BUILD)/bench_anon
	./$(BUILD)/bench_match
	@sh scripts/deps.sh bench
	sh bench/bench_server.sh ./$(BUILD)/kiban

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(VG_BUILD) build-release build-clang build-fuzz
