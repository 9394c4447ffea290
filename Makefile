# dockerman — build, test, run.
SHELL := /bin/bash
ROOT := $(abspath .)
BIN := out/linux-x64/dockerman
SOURCES := $(shell find Cgi -name '*.cs' -not -path '*/obj/*' -not -path '*/bin/*') Cgi/Cgi.csproj Directory.Build.props global.json
# Fully static: runs with no libc at all (static-pie trips an assertion in Debian 12's binutils).
PUBLISH := dotnet publish Cgi/Cgi.csproj -c Release -p:StaticExecutable=true -p:PositionIndependentExecutable=false -p:ObjCopyName=objcopy --nologo -v quiet
APT_PACKAGES := docker.io busybox-static curl

.PHONY: build deps test demo format clean

build: $(BIN)

$(BIN): $(SOURCES)
	$(PUBLISH) -r linux-x64 -o out/linux-x64
	strip $(BIN)
	@ls -l $(BIN)

# Installs the Debian packages the tests and the demo use, when they are missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; fi

test: deps build
	dotnet format dockerman.slnx --verify-no-changes
	DOCKERMAN_BIN=$(ROOT)/$(BIN) dotnet test Cgi.Tests/Cgi.Tests.csproj -c Release --nologo

demo: deps build
	build/demo.sh

format:
	dotnet format dockerman.slnx

clean:
	rm -rf out Cgi/bin Cgi/obj Cgi.Tests/bin Cgi.Tests/obj
