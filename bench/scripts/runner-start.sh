#!/bin/bash
# usage: startmeasure.sh [jvm flags...]; prints ready seconds, CPU seconds, peak RSS MB at the first stdout line
d=$(mktemp -d); fifo=$d/f; mkfifo $fifo
s=$(date +%s.%N)
java "$@" -jar "$(dirname "$0")/../../infra/local/target/registry-local.jar" --port 0 --data-dir $d/data > $fifo 2>/dev/null &
pid=$!
head -1 < $fifo > /dev/null
e=$(date +%s.%N)
tck=$(getconf CLK_TCK)
read -r ut st <<<"$(awk '{print $14, $15}' /proc/$pid/stat)"
hwm=$(awk '/VmHWM/{print $2}' /proc/$pid/status)
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
printf "ready %.2f s  cpu %.2f s  rss %d MB\n" "$(echo "$e - $s" | bc)" "$(echo "($ut + $st)/$tck" | bc -l)" "$((hwm/1024))"
rm -rf $d
