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

.PHONY: all build run test bench install clean

all: build

build:
	@sh scripts/deps.sh run
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIBAN_TESTS=OFF >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

run: build
	@$(KIBAN) demo --db $(DEMO_DB) --force
	@$(KIBAN) --db $(DEMO_DB) report annual --year $(YEAR) -o annual-report-$(YEAR).html
	@echo
	@$(KIBAN) --db $(DEMO_DB) eval show --year $(YEAR)
	@echo
	@$(KIBAN) --db $(DEMO_DB) supply status
	@echo
	@$(KIBAN) --db $(DEMO_DB) supply alerts --severity warning --limit 10
	@echo
	@echo "報告書: file://$(CURDIR)/annual-report-$(YEAR).html をブラウザで開き、A4 で PDF に印刷できます。"
	@echo "Report: open file://$(CURDIR)/annual-report-$(YEAR).html in a browser; print it to PDF on A4."
	@echo "供給の事案 / Supply incidents: $(KIBAN) --db $(DEMO_DB) supply incident list"
	@echo "詳しくは / More: $(KIBAN) --db $(DEMO_DB) --help, man ./docs/kiban.1"
	@echo
	@echo "ブラウザで http://127.0.0.1:$(PORT)/ を開き、上のデモ用アカウントでログインしてください（Ctrl-C で停止）。"
	@echo "Open http://127.0.0.1:$(PORT)/ and sign in with a demo account above (Ctrl-C stops the server)."
	@$(KIBAN) --db $(DEMO_DB) serve --port $(PORT)

test:
	@sh scripts/deps.sh test
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DKIBAN_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j$(JOBS)
	cmake -S . -B $(VG_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIBAN_VALGRIND=ON >/dev/null
	cmake --build $(VG_BUILD) -j$(JOBS)
	cd $(VG_BUILD) && ctest --output-on-failure -j$(JOBS) -L memcheck

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
	rm -rf $(BUILD) $(ASAN_BUILD) $(VG_BUILD)
