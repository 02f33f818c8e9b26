# Sourced by the benchmark scripts: the timing helpers they share.
# median: the middle of the numbers on stdin (the upper middle of an even count).
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# seconds CMD…: wall-clock seconds of CMD, its output discarded.
seconds() { local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
# peak_kb CMD…: CMD's peak resident memory in KiB (GNU time).
peak_kb() { /usr/bin/time -f %M "$@" 2>&1 > /dev/null | tail -1; }
