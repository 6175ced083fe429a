# SPDX-License-Identifier: GPL-2.0-or-later
# Shared settings for the userspace parts (inspector/, nfhelper/, tests/).
# Include it after setting nothing; it defines TOP, OUT and the flags.
#
#   make SAN=1 ...   builds with AddressSanitizer and UBSan into build/san
#   make FUZZ=1 ...  builds with clang and libFuzzer instrumentation into build/fuzz

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
RESULTS := $(TOP)/build/results

CCACHE := $(shell command -v ccache 2>/dev/null)

ifeq ($(FUZZ),1)
OUT ?= $(TOP)/build/fuzz
CC := $(CCACHE) clang
MODEFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -O1
else ifeq ($(SAN),1)
OUT ?= $(TOP)/build/san
CC := $(CCACHE) gcc
MODEFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1
else
OUT ?= $(TOP)/build/out
CC := $(CCACHE) gcc
MODEFLAGS := -O2
endif

CPPFLAGS += -D_GNU_SOURCE -I$(TOP)/kernel/include/uapi
CFLAGS += -std=c11 -g -Wall -Wextra -Werror -MMD -MP $(MODEFLAGS)
LDFLAGS += $(filter -fsanitize=%,$(MODEFLAGS))

pkg_cflags = $(shell pkg-config --cflags $(1))
pkg_libs = $(shell pkg-config --libs $(1))

$(OUT)/%/:
	mkdir -p $@
