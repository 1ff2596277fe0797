#!/bin/bash
# usage: runner-start.sh [java arguments before the runner's own...]; prints ready seconds, CPU seconds and peak RSS MB
# at the runner's first stdout line. With no arguments it starts the runner as the README does (the argument file the
# build writes: JVM flags, the class-data sharing archive, the jar); with arguments, `java <arguments> -jar <jar>`.
here="$(cd "$(dirname "$0")" && pwd)"
target="$here/../../infra/local/target"
if [ $# -eq 0 ]; then launch=("@$target/registry-local.args"); else launch=("$@" -jar "$target/registry-local.jar"); fi
d=$(mktemp -d); fifo=$d/f; mkfifo $fifo
s=$(date +%s.%N)
java "${launch[@]}" --port 0 --data-dir $d/data > $fifo 2>/dev/null &
pid=$!
head -1 < $fifo > /dev/null
e=$(date +%s.%N)
tck=$(getconf CLK_TCK)
read -r ut st <<<"$(awk '{print $14, $15}' /proc/$pid/stat)"
hwm=$(awk '/VmHWM/{print $2}' /proc/$pid/status)
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
printf "ready %.2f s  cpu %.2f s  rss %d MB\n" "$(echo "$e - $s" | bc)" "$(echo "($ut + $st)/$tck" | bc -l)" "$((hwm/1024))"
rm -rf $d
