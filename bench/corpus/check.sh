#!/usr/bin/env bash
# Build and run the benchmark corpus with several compilers/optimization levels,
# verify that all builds agree, check run time and scan the LLVM IR for
# constructs our backends do not support.
#
# usage: check.sh [prog.c ...]        (default: every *.c next to this script)
# env:   EXTRA=1  also build gcc -O0, clang -O2 -ffp-contract=off and a
#                 clang UBSan+ASan build, and require identical output.
#        CLANG=... / GCC=...  override the compilers (default clang-22 / gcc).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLANG="${CLANG:-clang-22}"
GCC="${GCC:-gcc}"
EXTRA="${EXTRA:-0}"
MIN_T=0.05   # seconds, -O2 lower bound
MAX_T=1.0    # seconds, -O2 upper bound
WFLAGS=(-std=c11 -Wall -Wextra)
FORBIDDEN='x86_fp80| asm |atomic|invoke|landingpad|blockaddress|indirectbr|callbr|thread_local'

if [ "$#" -gt 0 ]; then
    progs=("$@")
else
    progs=("$here"/*.c)
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

failures=0
summary=()

fail() {   # fail <name> <message>
    echo "FAIL [$1]: $2" >&2
    failures=$((failures + 1))
    status=FAIL
}

# build <name> <out-binary> <compiler> <flags...>; compiler output must be empty
build() {
    local name="$1" out="$2" cc="$3"
    shift 3
    if ! "$cc" "${WFLAGS[@]}" "$@" "$src" -o "$out" -lm >"$tmp/cc.log" 2>&1; then
        fail "$name" "$cc $* failed to compile:"; cat "$tmp/cc.log" >&2; return 1
    fi
    if [ -s "$tmp/cc.log" ]; then
        fail "$name" "$cc $* produced warnings:"; cat "$tmp/cc.log" >&2
    fi
}

# run <binary> <stdout-file>; sets $secs, returns the program's exit status
run() {
    local t
    TIMEFORMAT=%R
    t="$( { time "$1" >"$2" 2>"$2.err" </dev/null; } 2>&1 )" || { secs="$t"; return 1; }
    secs="$t"
}

# float comparison helper: is_between <x> <lo> <hi>
is_between() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }

for src in "${progs[@]}"; do
    name="$(basename "$src" .c)"
    status=OK
    t_o2="-"; t_o0="-"
    loc="$(wc -l <"$src")"
    echo "== $name" >&2

    # -- builds ---------------------------------------------------------------
    variants=(clang_O2 clang_O0 gcc_O2)
    build "$name" "$tmp/clang_O2" "$CLANG" -O2 || { summary+=("$name|-|-|$loc|FAIL"); continue; }
    build "$name" "$tmp/clang_O0" "$CLANG" -O0 || { summary+=("$name|-|-|$loc|FAIL"); continue; }
    build "$name" "$tmp/gcc_O2"   "$GCC"   -O2 || { summary+=("$name|-|-|$loc|FAIL"); continue; }
    if [ "$EXTRA" = 1 ]; then
        build "$name" "$tmp/gcc_O0" "$GCC" -O0 && variants+=(gcc_O0)
        build "$name" "$tmp/clang_O2_nocontract" "$CLANG" -O2 -ffp-contract=off \
            && variants+=(clang_O2_nocontract)
        build "$name" "$tmp/clang_san" "$CLANG" -O1 -g \
            -fsanitize=undefined,address -fno-sanitize-recover=all \
            && variants+=(clang_san)
    fi

    # -- runs -----------------------------------------------------------------
    for v in "${variants[@]}"; do
        if ! run "$tmp/$v" "$tmp/$v.out"; then
            fail "$name" "$v exited with non-zero status"; head -5 "$tmp/$v.out.err" >&2
        fi
        [ -s "$tmp/$v.out.err" ] && fail "$name" "$v wrote to stderr"
        case "$v" in
            clang_O2) t_o2="$secs" ;;
            clang_O0) t_o0="$secs" ;;
        esac
    done

    # -O2 timing: take the best of three runs to filter out machine noise
    for _ in 1 2; do
        run "$tmp/clang_O2" "$tmp/rerun.out" || true
        if awk -v a="$secs" -v b="$t_o2" 'BEGIN { exit !(a < b) }'; then t_o2="$secs"; fi
    done
    is_between "$t_o2" "$MIN_T" "$MAX_T" ||
        fail "$name" "clang -O2 run time ${t_o2}s outside [$MIN_T, $MAX_T]"

    # -- outputs must agree and end with a checksum line ----------------------
    for v in "${variants[@]}"; do
        cmp -s "$tmp/clang_O2.out" "$tmp/$v.out" ||
            fail "$name" "output of $v differs from clang_O2"
    done
    tail -n 1 "$tmp/clang_O2.out" | grep -Eq '^checksum: 0x[0-9a-f]+$' ||
        fail "$name" "last output line is not 'checksum: 0x...'"

    # -- IR must not contain unsupported constructs ---------------------------
    for opt in -O0 -O2; do
        "$CLANG" -std=c11 "$opt" -S -emit-llvm "$src" -o "$tmp/ir.ll"
        if grep -En "$FORBIDDEN" "$tmp/ir.ll" >"$tmp/ir.hits"; then
            fail "$name" "forbidden construct in $opt IR:"; head -5 "$tmp/ir.hits" >&2
        fi
    done

    summary+=("$name|$t_o2|$t_o0|$loc|$status")
done

# -- summary ------------------------------------------------------------------
echo
printf '%-24s %8s %8s %6s  %s\n' program "O2 s" "O0 s" lines status
printf '%-24s %8s %8s %6s  %s\n' ------- ---- ---- ----- ------
for row in "${summary[@]}"; do
    IFS='|' read -r n a b l s <<<"$row"
    printf '%-24s %8s %8s %6s  %s\n' "$n" "$a" "$b" "$l" "$s"
done
echo
if [ "$failures" -gt 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "all ${#summary[@]} program(s) passed"
