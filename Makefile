# dockerman — build, test, run.
SHELL := /bin/bash
ROOT := $(abspath .)
BIN := out/linux-x64/dockerman
ARM_BIN := out/linux-arm64/dockerman
SOURCES := $(shell find Cgi -name '*.cs' -not -path '*/obj/*' -not -path '*/bin/*') Cgi/Cgi.csproj Directory.Build.props global.json
# Fully static: runs with no libc at all (static-pie trips an assertion in Debian 12's binutils).
PUBLISH := dotnet publish Cgi/Cgi.csproj -c Release -p:StaticExecutable=true -p:PositionIndependentExecutable=false --nologo -v quiet
# NativeAOT links with clang; linux-arm64 cross-links with Debian's aarch64 gcc libraries and binutils.
# TLS: Debian's static mbedTLS for each target, arm64's through multiarch (toolchain adds the architecture).
TOOLCHAIN_PACKAGES := clang lld binutils gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross \
	libmbedtls-dev:$(shell dpkg --print-architecture) libmbedtls-dev:arm64
# lighttpd stands in for uhttpd in the router tests; openssl makes rpcd's password hashes;
# chromium: the console page's tests drive it (Playwright, with no browser of its own).
APT_PACKAGES := docker.io docker-registry busybox-static curl qemu-user-static openssl lighttpd chromium
# The .apk writer (build/apk/, Python's standard library), signing (openssl for apk, signify for opkg).
PACKAGE_PACKAGES := python3 openssl signify-openbsd
BENCH_PACKAGES := nginx hyperfine valgrind strace time python3 gcc libc6-dev chromium
# Both publishes restore the same project: never run them at once.
.NOTPARALLEL:

.PHONY: docs build arm64 ipk ipk-x64 apk feed test-keys package-deps size reproducible deps toolchain standins test fuzz demo bench bench-deps format clean

build: $(BIN)

$(BIN): $(SOURCES) out/tls/linux-x64/libdmtls.a | toolchain
	$(PUBLISH) -p:ObjCopyName=objcopy -r linux-x64 -o out/linux-x64
	strip --remove-section=.gnu_debuglink $(BIN)
	@ls -l $(BIN)

# The same program for aarch64 routers, cross-compiled (about as fast as the x64 build).
arm64: $(ARM_BIN)

$(ARM_BIN): $(SOURCES) out/tls/linux-arm64/libdmtls.a | toolchain
	$(PUBLISH) -p:ObjCopyName=aarch64-linux-gnu-objcopy -r linux-arm64 -o out/linux-arm64
	aarch64-linux-gnu-strip --remove-section=.gnu_debuglink $(ARM_BIN)
	@ls -l $(ARM_BIN)

# The TLS shim for one architecture (build/tls.sh), over Debian's libmbedtls-dev of that architecture.
out/tls/%/libdmtls.a: build/tls.sh build/tls/dmtls.c | toolchain
	build/tls.sh $*

# OpenWrt packages in out/: x86_64, aarch64_generic, aarch64_cortex-a53 (build/mkipk.sh).
ipk: $(BIN) $(ARM_BIN)
	build/mkipk.sh

ipk-x64: $(BIN)
	build/mkipk.sh x86_64

# OpenWrt 25.12 packages (apk v3) in out/apk/<arch>/: the same three, written by build/apk/mkpkg.py
# (build/mkapk.sh); APK_SIGN_KEY=<PEM private key> signs them.
apk: $(BIN) $(ARM_BIN) | package-deps
	build/mkapk.sh

# The feed routers install and upgrade from (build/mkfeed.sh, README "A package feed"):
# out/feed/apk/<arch>/ (.apk, packages.adb), out/feed/ipk/<arch>/ (.ipk, Packages, Packages.gz,
# Packages.sig), out/feed/keys/ (the public keys). APK_SIGN_KEY and OPKG_SIGN_KEY sign it.
feed: $(BIN) $(ARM_BIN) | package-deps
	build/mkfeed.sh

package-deps:
	$(call apt_install,$(PACKAGE_PACKAGES))

# Throwaway keys (out/test-keys) for the signed feed that make test builds and checks.
TEST_KEYS := $(ROOT)/out/test-keys
test-keys: | package-deps
	build/test-keys.sh $(TEST_KEYS)

# The committed HEAD built twice at two paths gives the same binaries and packages.
reproducible: toolchain
	build/check-reproducible.sh

# out/size-report.txt: sizes against the 3.5 MiB budget and what takes the room.
size: $(BIN) $(ARM_BIN)
	build/size-report.sh

# $(1): the packages; installs those missing. With $(2) non-empty their services must not start
# while they install (policy-rc.d says no, as in a container image).
define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  own=""; if [ -n "$(2)" ] && [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; \
	    chmod 755 /usr/sbin/policy-rc.d; own=1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  rc=$$?; [ -z "$$own" ] || rm -f /usr/sbin/policy-rc.d; exit $$rc; fi
endef

# The documentation's generated parts (route table, limits, exit codes) from the program itself.
docs: $(BIN)
	build/docs.py $(BIN) README.md docs/*.md

# Installs the Debian packages the builds need, when they are missing.
toolchain:
	@dpkg --print-foreign-architectures | grep -qx arm64 || { echo "adding the arm64 architecture"; dpkg --add-architecture arm64; }
	$(call apt_install,$(TOOLCHAIN_PACKAGES))

# Installs the Debian packages the tests and the demo use, when they are missing. Their services
# must not start (lighttpd's would take port 80; the tests and the demo start their own dockerd).
deps: toolchain package-deps
	$(call apt_install,$(APT_PACKAGES),no-services)

# The stand-ins for ubusd, rpcd and uhttpd's /ubus as a program (StandIns), for make bench's
# build/router-run.sh; the tests build the project themselves (Cgi.Tests references it).
STANDINS := out/standins/dockerman-standins
standins: $(STANDINS)

$(STANDINS): $(shell find StandIns -name '*.cs' -not -path '*/obj/*' -not -path '*/bin/*') StandIns/StandIns.csproj Directory.Build.props global.json
	dotnet publish StandIns/StandIns.csproj -c Release -o out/standins --nologo -v quiet

# The tests read the packages and the feed (signed with the throwaway keys), and so both
# binaries, and run the arm64 binary under qemu; last, the committed HEAD is built twice at two
# paths and must give the same bytes.
test: deps build ipk apk test-keys
	APK_SIGN_KEY=$(TEST_KEYS)/apk.pem OPKG_SIGN_KEY=$(TEST_KEYS)/opkg.sec build/mkfeed.sh
	dotnet format dockerman.slnx --verify-no-changes
	DOCKERMAN_BIN=$(ROOT)/$(BIN) DOCKERMAN_ARM64_BIN=$(ROOT)/$(ARM_BIN) dotnet test Cgi.Tests/Cgi.Tests.csproj -c Release --nologo
	build/check-reproducible.sh

# The property tests (Cgi.Tests/Properties) with FUZZ_CASES generated cases each instead of the
# thousand of `make test`; out/fuzz/report.txt gets each property's count and any shrunk failing input.
FUZZ_CASES ?= 1000000
fuzz:
	@mkdir -p out/fuzz && rm -f out/fuzz/report.txt
	@DOCKERMAN_FUZZ_CASES=$(FUZZ_CASES) DOCKERMAN_FUZZ_REPORT=$(ROOT)/out/fuzz/report.txt \
	  dotnet test Cgi.Tests/Cgi.Tests.csproj -c Release --nologo --filter 'FullyQualifiedName~Dockerman.Tests.Properties'; \
	  rc=$$?; echo; echo "property	cases	result	time"; sort out/fuzz/report.txt; exit $$rc

demo: deps build $(STANDINS)
	build/demo.sh

# Installs what the benchmarks use. The web servers' packages must not start them as services
# (one would take port 80).
bench-deps: deps
	$(call apt_install,$(BENCH_PACKAGES),no-services)

# out/bench/results.md and chart.svg: dockerman against the daemon's socket, nginx, and a sh+curl
# CGI under busybox httpd and lighttpd, under the router's stack with a LuCI session (lighttpd and
# the stand-ins, build/router-run.sh), and over TLS, on a private dockerd (build/bench/bench.sh;
# ~8 minutes).
bench: bench-deps $(STANDINS) $(BIN) $(ARM_BIN)
	build/bench/bench.sh

format:
	dotnet format dockerman.slnx

clean:
	rm -rf out Cgi/bin Cgi/obj Cgi.Tests/bin Cgi.Tests/obj StandIns/bin StandIns/obj
