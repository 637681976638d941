#!/usr/bin/env bash
# CPython 3.11 for the bundle, built against glibc 2.28 (UOS 20, Kylin V10, Debian 10), so the installed program
# starts there: the build host's own interpreter needs the host's glibc (2.35 and newer).
#
# Sources: Debian's source packages (apt-get source, through an apt configuration of its own under the cache folder,
# so the host's apt setup is not touched); compiler: Zig from PyPI (`zig cc -target x86_64-linux-gnu.2.28` links
# against glibc 2.28's symbol versions whatever the host has). The libraries the interpreter's modules need
# (OpenSSL for _ssl and _hashlib's scrypt, SQLite, libffi, zlib, bzip2, xz) are built as static archives and linked
# into the modules, so the bundle carries none of them as separate files.
#
# Usage: old_glibc_python.sh CACHE_DIR   (prints the interpreter's path last; every finished stage is kept, so a
# second run takes seconds). About 45 minutes on 2 busy cores the first time. `dev.py build --old-glibc` runs it.
set -euo pipefail

CACHE=$(realpath -m "${1:?usage: old_glibc_python.sh CACHE_DIR}")
GLIBC=${OLD_GLIBC_VERSION:-2.28}
JOBS=${OLD_GLIBC_JOBS:-2}
TARGET="x86_64-linux-gnu.${GLIBC}"
SUITE=bookworm # Debian 12: its python3.11 is the 3.11 the project runs on
SRC="$CACHE/src"
WORK="$CACHE/work"
DEPS="$CACHE/deps"
PREFIX="$CACHE/python"
TOOLS="$CACHE/tools"
mkdir -p "$SRC" "$WORK" "$DEPS" "$TOOLS"
say() { echo "[旧版 glibc 解释器] $*" >&2; }
run_logged() { # run_logged NAME COMMAND...: output to $WORK/NAME.log, its end shown if it fails
    "${@:2}" >>"$WORK/$1.log" 2>&1 || { tail -n 40 "$WORK/$1.log" >&2; say "失败：${*:2}（完整记录：$WORK/$1.log）"; exit 1; }
}
done_stamp() { [[ -f "$CACHE/.done-$1" ]]; }
mark() { touch "$CACHE/.done-$1"; }

# --- the compiler: Zig from PyPI, in a virtual environment of its own ---
if ! done_stamp zig; then
    say "安装 Zig 编译器（PyPI 的 ziglang）…"
    python3 -m venv "$TOOLS/venv"
    "$TOOLS/venv/bin/pip" install --disable-pip-version-check -q "ziglang==0.17.1"
    mark zig
fi
ZIG=$("$TOOLS/venv/bin/python" -c 'import ziglang, pathlib; print(pathlib.Path(ziglang.__file__).parent / "zig")')
export ZIG_GLOBAL_CACHE_DIR="$CACHE/zig-cache" ZIG_LOCAL_CACHE_DIR="$CACHE/zig-cache"
# The compiler as configure scripts expect one: `zig cc` for the target, with two things zig's driver does not
# take as gcc does: `-Wl,-hNAME` (how CPython's Makefile names libpython's soname) is spelt `-Wl,-soname,NAME`,
# and a shared library linked from other shared libraries alone (libpython3.so, the stable ABI's forwarder) gets
# an empty C file to compile: without any, zig hands the line to clang, which rejects the glibc-versioned target;
# __DATE__ (Python's build information) is allowed, which zig makes an error; and the build host's own header and
# library folders, which CPython's setup.py adds, are dropped: their glibc 2.36 headers clash with zig's 2.28 ones.
: >"$TOOLS/empty.c"
for driver in cc c++; do
    cat >"$TOOLS/$driver.new" <<EOF
#!/usr/bin/env bash
args=()
shared=0
objects=0
for arg in "\$@"; do
    case "\$arg" in
        -Wl,-h,*) args+=("-Wl,-soname,\${arg#-Wl,-h,}") ;;
        -Wl,-h*) args+=("-Wl,-soname,\${arg#-Wl,-h}") ;;
        -I/usr/include* | -I/usr/local/include* | -L/usr/lib* | -L/lib* | -L/usr/local/lib*) ;;
        *) args+=("\$arg") ;;
    esac
    case "\$arg" in
        -shared) shared=1 ;;
        -*) ;;
        *.c | *.cc | *.cpp | *.cxx | *.o | *.lo | *.a | *.s | *.S) objects=1 ;;
    esac
done
if [ \$shared = 1 ] && [ \$objects = 0 ]; then
    args+=("$TOOLS/empty.c")
fi
exec "$ZIG" $driver -target $TARGET "\${args[@]}" -Wno-date-time
EOF
    chmod +x "$TOOLS/$driver.new" && mv "$TOOLS/$driver.new" "$TOOLS/$driver"
done
# LD named: libtool would otherwise ask the compiler (-print-prog-name=ld), which zig's clang cannot answer
# for a glibc-versioned target. The libraries are static, so nothing is linked by it.
export CC="$TOOLS/cc" CXX="$TOOLS/c++" AR=ar RANLIB=ranlib LD=ld
# -O2 always: without an optimisation flag zig cc turns on its undefined-behaviour traps.
export CFLAGS="-O2 -fPIC" CXXFLAGS="-O2 -fPIC"

# --- the sources: Debian's, with an apt configuration of our own (deb-src lines the host may not have) ---
PACKAGES=(python3.11 openssl sqlite3 libffi zlib bzip2 xz-utils)
if ! done_stamp sources; then
    say "下载 Debian 源码包：${PACKAGES[*]} …"
    APT="$CACHE/apt"
    mkdir -p "$APT/lists/partial" "$APT/archives/partial"
    # The Debian mirror this machine already uses for its binary packages.
    MIRROR=$(apt-get indextargets --format '$(REPO_URI)' 'Created-By: Packages' | grep -m1 -E '/debian/?$' || true)
    [[ -n "$MIRROR" ]] || { say "找不到这台电脑所用的 Debian 软件源（apt-get indextargets）"; exit 1; }
    cat >"$APT/sources.list" <<EOF
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE main
EOF
    APT_OPTS=(-o "Dir::Etc::SourceList=$APT/sources.list" -o "Dir::Etc::SourceParts=/nonexistent"
        -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache::Archives=$APT/archives" -o "APT::Sandbox::User=root")
    apt-get "${APT_OPTS[@]}" update -qq
    (cd "$SRC" && apt-get "${APT_OPTS[@]}" source --download-only -qq "${PACKAGES[@]}")
    mark sources
fi

unpack() { # unpack NAME GLOB: the upstream (orig) tarball, into $WORK/NAME
    local dir="$WORK/$1"
    rm -rf "$dir" && mkdir -p "$dir"
    tar -xf "$(ls "$SRC"/$2 | grep -v "\.asc$" | sort -V | tail -1)" -C "$dir" --strip-components=1
    echo "$dir"
}
export PKG_CONFIG_PATH="$DEPS/lib/pkgconfig"

if ! done_stamp zlib; then
    say "编译 zlib …"
    cd "$(unpack zlib 'zlib_*.orig.tar.*')"
    run_logged zlib ./configure --static --prefix="$DEPS"
    run_logged zlib make -j"$JOBS" libz.a
    run_logged zlib make install
    mark zlib
fi
if ! done_stamp bzip2; then
    say "编译 bzip2 …"
    cd "$(unpack bzip2 'bzip2_*.orig.tar.*')"
    run_logged bzip2 make -j"$JOBS" libbz2.a CC="$CC" CFLAGS="$CFLAGS -D_FILE_OFFSET_BITS=64"
    install -D -m644 libbz2.a "$DEPS/lib/libbz2.a" && install -D -m644 bzlib.h "$DEPS/include/bzlib.h"
    mark bzip2
fi
if ! done_stamp xz; then
    say "编译 xz（liblzma）…"
    cd "$(unpack xz 'xz-utils_*.orig.tar.*')"
    run_logged xz ./configure --prefix="$DEPS" --disable-shared --enable-static --disable-xz --disable-xzdec \
        --disable-lzmadec --disable-lzmainfo --disable-scripts --disable-doc --disable-nls
    run_logged xz make -j"$JOBS"
    run_logged xz make install
    mark xz
fi
if ! done_stamp libffi; then
    say "编译 libffi …"
    cd "$(unpack libffi 'libffi_*.orig.tar.*')"
    # No static trampolines: 3.4.4 calls a function it does not declare there, an error for clang 16 and later.
    run_logged libffi ./configure --prefix="$DEPS" --libdir="$DEPS/lib" --disable-shared --enable-static \
        --disable-docs --disable-multi-os-directory --disable-exec-static-tramp
    run_logged libffi make -j"$JOBS"
    run_logged libffi make install
    mark libffi
fi
if ! done_stamp sqlite; then
    say "编译 SQLite …"
    cd "$(unpack sqlite 'sqlite3_*.orig.tar.xz')"
    CFLAGS="$CFLAGS -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_MATH_FUNCTIONS" \
        run_logged sqlite ./configure --prefix="$DEPS" --disable-shared --enable-static --disable-tcl \
        --disable-readline
    run_logged sqlite make -j"$JOBS" libsqlite3.la
    install -D -m644 .libs/libsqlite3.a "$DEPS/lib/libsqlite3.a"
    install -D -m644 -t "$DEPS/include" sqlite3.h sqlite3ext.h
    install -D -m644 sqlite3.pc "$DEPS/lib/pkgconfig/sqlite3.pc"
    mark sqlite
fi
if ! done_stamp openssl; then
    say "编译 OpenSSL（约 15 分钟）…"
    cd "$(unpack openssl 'openssl_*.orig.tar.gz')"
    # Certificates where Debian, UOS and Kylin keep them.
    run_logged openssl ./Configure linux-x86_64 no-shared no-tests no-module --prefix="$DEPS" \
        --libdir=lib --openssldir=/usr/lib/ssl $CFLAGS
    run_logged openssl make -j"$JOBS" build_libs
    run_logged openssl make install_dev
    mark openssl
fi
if ! done_stamp python; then
    say "编译 CPython 3.11（约 12 分钟）…"
    cd "$(unpack python 'python3.11_*.orig.tar.*')"
    # No RPATH in any file (the bundle's loader finds libpython beside the program): whoever runs this python
    # sets LD_LIBRARY_PATH to its lib folder, as dev.py does.
    run_logged python ./configure --prefix="$PREFIX" --enable-shared --with-openssl="$DEPS" \
        --with-ensurepip=install --with-system-expat=no --with-system-libmpdec=no \
        CPPFLAGS="-I$DEPS/include" LDFLAGS="-L$DEPS/lib" LIBFFI_INCLUDEDIR="$DEPS/include"
    run_logged python make -j"$JOBS"
    LD_LIBRARY_PATH="$PWD" run_logged python make install
    mark python
fi
# glibc's own symbol lists for the floor, for the build's check of every symbol the bundle takes from the C library
# (audit.missing_from_glibc): the stub libraries zig made for the target, with exactly that release's symbols.
ABI="$CACHE/glibc-$GLIBC-abi"
if [[ ! -f "$ABI/libc.so.6" ]]; then
    for libc in $(find "$CACHE/zig-cache" -name libc.so.6); do
        highest=$(objdump -T "$libc" | grep -oE 'GLIBC_2\.[0-9]+' | sort -V | tail -n 1)
        if [[ "$highest" == "GLIBC_$GLIBC" ]]; then
            mkdir -p "$ABI" && cp "$(dirname "$libc")"/*.so* "$ABI/"
            break
        fi
    done
    [[ -f "$ABI/libc.so.6" ]] || { say "找不到 Zig 为 glibc $GLIBC 生成的符号表"; exit 1; }
fi
export LD_LIBRARY_PATH="$PREFIX/lib"
for module in _ssl _hashlib _sqlite3 _ctypes zlib _bz2 _lzma _decimal; do
    "$PREFIX/bin/python3.11" -c "import $module" || { say "模块 $module 无法导入"; exit 1; }
done
echo "$PREFIX/bin/python3.11"
