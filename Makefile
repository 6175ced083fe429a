# SPDX-License-Identifier: GPL-2.0-or-later
# snet: the one entry point.  See README.md.
#
#   make test    install what is missing, build everything, run every suite
#   make run     boot the snet kernel (User-Mode Linux) with snetd and a demo
#   make bench   benchmarks, each printed as "bench NAME ratio=R goal=G"
#   make fuzz    the fuzz targets, longer than in make test
#   make install install the userspace tools and configuration

SHELL := /bin/bash
TOP := $(CURDIR)
RESULTS := $(TOP)/build/results
export RESULTS

.PHONY: all deps kernel kernel-um kernel-x86 userspace test test-demo test-unit \
	test-kernel run bench fuzz install clean distclean checkpatch

all: userspace kernel

deps:
	@scripts/deps.sh

kernel: kernel-um kernel-x86

kernel-um kernel-x86: deps
	@kernel/build.sh $(@:kernel-%=%)

userspace: deps
	$(MAKE) -C inspector
	$(MAKE) -C inspector/update
	$(MAKE) -C nfhelper
	$(MAKE) -C tests

# Every suite runs even when an earlier one failed; the summary decides.
test: deps
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	@tests/run-suite.sh inspector $(MAKE) -C inspector test
	@tests/run-suite.sh feed $(MAKE) -C inspector/update test
	@tests/run-suite.sh nfhelper $(MAKE) -C nfhelper test
	@tests/run-suite.sh kernel $(MAKE) test-kernel
	@tests/run-suite.sh snetd $(MAKE) -C nfhelper test-guest
	@tests/run-suite.sh nfq $(MAKE) -C nfhelper test-nfq
	@tests/run-suite.sh demo $(MAKE) test-demo
	@tests/summary.sh $(RESULTS)

# make run's demo, checked: what it shows really happened.
test-demo: kernel-um userspace
	tests/guest/run.sh --kernel um --suite demo --script tests/guest/demo-check.sh --timeout 300

test-kernel: kernel-um kernel-x86
	$(MAKE) -C tests
	tests/kernel/run-all.sh

checkpatch: deps
	@kernel/checkpatch.sh

run: deps kernel-um userspace
	tests/guest/run.sh --kernel um --interactive --script tests/guest/demo.sh

bench: deps kernel-x86
	$(MAKE) -C inspector bench
	$(MAKE) -C inspector/update bench
	$(MAKE) -C nfhelper bench

fuzz: deps
	$(MAKE) -C inspector fuzz FUZZ_SECONDS=$${FUZZ_SECONDS:-300}
	$(MAKE) -C inspector/update fuzz FUZZ_SECONDS=$${FUZZ_SECONDS:-300}
	$(MAKE) -C nfhelper fuzz FUZZ_SECONDS=$${FUZZ_SECONDS:-300}

PREFIX ?= /usr/local
DOCDIR ?= $(PREFIX)/share/doc/snet

install: userspace
	$(MAKE) -C inspector install
	$(MAKE) -C inspector/update install
	$(MAKE) -C nfhelper install
	install -d $(DESTDIR)$(DOCDIR)
	install -m 0644 LICENSE docs/*.md $(DESTDIR)$(DOCDIR)/

clean:
	rm -rf build/out build/san build/fuzz build/results

distclean:
	rm -rf build
