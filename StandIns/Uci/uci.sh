#!/bin/sh
# uci, the part of it that the package's maintainer scripts use, as a busybox sh and awk script
# (the tests' router root holds nothing but busybox). It follows UCI's file format and the
# command's documented behaviour:
#   uci [-q] [-c CONFDIR] [-P SAVEDIR] get CONFIG.SECTION[.OPTION]    the type, the value, or a list's
#                                                                     values joined by spaces
#   uci [-q] ... add_list CONFIG.SECTION.OPTION=VALUE                 staged
#   uci [-q] ... del_list CONFIG.SECTION.OPTION=VALUE                 staged: drops every equal value
#   uci [-q] ... commit [CONFIG]                                      writes the staged changes
#   uci [-q] ... revert CONFIG                                        drops them
# Changes are staged in SAVEDIR/CONFIG (default /tmp/.uci), one line each as uci keeps them ('|'
# add to a list, '~' delete from it), and read by get until commit writes CONFDIR/CONFIG (default
# /etc/config) in the layout uci writes: a blank line before each "config TYPE 'NAME'", each value
# in single quotes, comments dropped. -q: no message on stderr. Exit 1 when the entry is not there.
conf=/etc/config
save=/tmp/.uci
quiet=
while [ $# -gt 0 ]; do
	case $1 in
	-q) quiet=1; shift ;;
	-c) conf=$2; shift 2 ;;
	-P) save=$2; shift 2 ;;
	-*) echo "uci: unknown option $1" >&2; exit 1 ;;
	*) break ;;
	esac
done
fail() { [ -n "$quiet" ] || echo "uci: $1" >&2; exit 1; }
[ $# -ge 1 ] || fail "Invalid argument"
cmd=$1
shift

# The awk part: reads a config file and its staged changes, then answers for the mode:
#   get (prints the answer), stage (prints the line to stage) or export (prints the whole file).
prog=$(cat <<'AWK'
function words(line,    n, w, inw, c, i, j, len) {
	split("", W); n = 0; w = ""; inw = 0; len = length(line)
	for (i = 1; i <= len; i++) {
		c = substr(line, i, 1)
		if (c == " " || c == "\t" || c == "\r") { if (inw) { W[++n] = w; w = ""; inw = 0 } continue }
		if (c == "#" && !inw) break
		inw = 1
		if (c == "'") {
			j = index(substr(line, i + 1), "'")
			if (!j) return -1
			w = w substr(line, i + 1, j - 1); i += j; continue
		}
		if (c == "\"") {
			for (i++; i <= len && (c = substr(line, i, 1)) != "\""; i++) {
				if (c == "\\" && i < len) { i++; c = substr(line, i, 1) }
				w = w c
			}
			if (i > len) return -1
			continue
		}
		if (c == "\\" && i < len) { i++; c = substr(line, i, 1) }
		w = w c
	}
	if (inw) W[++n] = w
	return n
}
function quote(s) { gsub(/'/, "'\\''", s); return "'" s "'" }
function section(name,    i) { for (i = 1; i <= ns; i++) if (sname[i] == name) return i; return 0 }
function key(s, name,    j) { for (j = 1; j <= nk[s]; j++) if (kname[s, j] == name) return j; return 0 }
function addkey(s, name, kind) { nk[s]++; kname[s, nk[s]] = name; kkind[s, nk[s]] = kind; nv[s, nk[s]] = 0; return nk[s] }
function setopt(s, name, value,    j) {
	j = key(s, name); if (!j) j = addkey(s, name, "option")
	kkind[s, j] = "option"; nv[s, j] = 1; v[s, j, 1] = value
}
function addlist(s, name, value,    j) {
	j = key(s, name); if (!j) j = addkey(s, name, "list")
	kkind[s, j] = "list"; v[s, j, ++nv[s, j]] = value
}
function dellist(s, name, value,    j, k, m) {
	j = key(s, name); if (!j) return
	m = 0
	for (k = 1; k <= nv[s, j]; k++) if (v[s, j, k] != value) v[s, j, ++m] = v[s, j, k]
	nv[s, j] = m
}
# CONFIG.SECTION[.OPTION] into P (1 config, 2 section, 3 option); the number of parts, or 0 when malformed.
function path(k,    n) {
	n = split(k, P, ".")
	if (n < 2 || n > 3 || P[1] !~ /^[A-Za-z0-9_-]+$/ || P[2] !~ /^[A-Za-z0-9_]+$/ || (n == 3 && P[3] !~ /^[A-Za-z0-9_]+$/)) return 0
	return n
}
FILENAME == ARGV[1] {
	n = words($0)
	if (n < 1) next
	if (W[1] == "config" && (n == 2 || n == 3)) { ns++; stype[ns] = W[2]; sname[ns] = (n == 3 ? W[3] : ""); nk[ns] = 0 }
	else if (W[1] == "option" && n == 3 && ns) setopt(ns, W[2], W[3])
	else if (W[1] == "list" && n == 3 && ns) addlist(ns, W[2], W[3])
	next
}
{
	op = substr($0, 1, 1); rest = substr($0, 2); eq = index(rest, "=")
	if (!eq || path(substr(rest, 1, eq - 1)) != 3 || words(substr(rest, eq + 1)) != 1) next
	s = section(P[2]); if (!s) next
	if (op == "|") addlist(s, P[3], W[1])
	else if (op == "~") dellist(s, P[3], W[1])
}
END {
	if (mode == "export") {
		for (i = 1; i <= ns; i++) {
			printf "\nconfig %s%s\n", stype[i], (sname[i] != "" ? " " quote(sname[i]) : "")
			for (j = 1; j <= nk[i]; j++)
				for (k = 1; k <= nv[i, j]; k++)
					printf "\t%s %s %s\n", kkind[i, j], kname[i, j], quote(v[i, j, k])
		}
		print ""
		exit 0
	}
	n = path(ENVIRON["UCI_KEY"])
	if (!n) exit 2
	s = section(P[2])
	if (!s) exit 1
	if (mode == "stage") {
		if (n != 3) exit 2
		print ENVIRON["UCI_OP"] ENVIRON["UCI_KEY"] "=" quote(ENVIRON["UCI_VALUE"])
		exit 0
	}
	if (n == 2) { print stype[s]; exit 0 }
	j = key(s, P[3])
	if (!j || nv[s, j] == 0) exit 1
	line = v[s, j, 1]
	for (k = 2; k <= nv[s, j]; k++) line = line " " v[s, j, k]
	print line
	exit 0
}
AWK
)

# Runs the awk part for CONFIG ($1) in mode $2.
run() {
	[ -f "$conf/$1" ] || return 1
	delta=/dev/null
	[ -f "$save/$1" ] && delta=$save/$1
	awk -v mode="$2" "$prog" "$conf/$1" "$delta"
}

case $cmd in
get)
	[ $# -eq 1 ] || fail "Invalid argument"
	UCI_KEY=$1 run "${1%%.*}" get
	rc=$?
	[ $rc -eq 0 ] || fail "$([ $rc -eq 2 ] && echo "Invalid argument" || echo "Entry not found")"
	;;
add_list|del_list)
	[ $# -eq 1 ] && [ "${1%%=*}" != "$1" ] || fail "Invalid argument"
	key=${1%%=*}
	op='|'
	[ "$cmd" = del_list ] && op='~'
	line=$(UCI_KEY=$key UCI_VALUE=${1#*=} UCI_OP=$op run "${key%%.*}" stage)
	rc=$?
	[ $rc -eq 0 ] || fail "$([ $rc -eq 2 ] && echo "Invalid argument" || echo "Entry not found")"
	mkdir -p "$save" && printf '%s\n' "$line" >>"$save/${key%%.*}"
	;;
commit)
	if [ $# -eq 0 ]; then
		set -- $(ls "$save" 2>/dev/null)
	fi
	for config in "$@"; do
		[ -f "$save/$config" ] || continue
		run "$config" export >"$conf/.$config.uci-new" && mv "$conf/.$config.uci-new" "$conf/$config" && rm -f "$save/$config" \
			|| fail "Cannot commit $config"
	done
	;;
revert)
	[ $# -eq 1 ] || fail "Invalid argument"
	rm -f "$save/${1%%.*}"
	;;
*)
	fail "Invalid command '$cmd'"
	;;
esac
exit 0
