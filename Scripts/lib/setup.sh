# Shared by Scripts/run, Scripts/test and Scripts/bench: make sure the machine has what
# Nianbao builds against (libedit's development files, pkg-config, a Swift
# toolchain) and install what is missing with apt-get, through sudo when not root.

nianbao_root() { cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd; }

# The profile release builds of the library are optimised with (Scripts/pgo makes it), from the
# package's root; beside it, the digest of the sources it was made from.
nianbao_profile=Sources/NianbaoKit/PGO/NianbaoKit.profdata
nianbao_profile_sources=Sources/NianbaoKit/PGO/NianbaoKit.sources

# Whether the profile was made from the library's sources as they are now.
nianbao_profile_is_current() {
  [ "$(cat "$nianbao_profile_sources" 2>/dev/null)" = "$(Scripts/lib/sources-digest)" ]
}

nianbao_apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "error: need root (or sudo) to install: $*" >&2; return 1
    fi
  fi
  echo "installing: $* (apt-get)" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

nianbao_ensure_dependencies() {
  local missing=()
  command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
  if command -v pkg-config >/dev/null 2>&1; then
    pkg-config --exists libedit || missing+=(libedit-dev)
    pkg-config --exists libtcmalloc_minimal || missing+=(libgoogle-perftools-dev)
  else
    missing+=(libedit-dev libgoogle-perftools-dev)
  fi
  if [ ${#missing[@]} -gt 0 ]; then nianbao_apt_install "${missing[@]}"; fi
  if ! command -v swift >/dev/null 2>&1; then
    if [ -x /opt/swift/usr/bin/swift ]; then export PATH="/opt/swift/usr/bin:$PATH"; else
      echo "error: no Swift toolchain found (swift.org has installers for Linux)" >&2; return 1
    fi
  fi
}
