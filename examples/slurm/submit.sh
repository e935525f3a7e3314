#!/bin/bash
# Submit N shards as a Slurm array and the merge as a job that runs once all of
# them have ended, however they ended (afterany: after a failed shard the merge
# still runs and names the ranges left to search). Prints the two job ids.
#
#   DMINT_DIR=/shared/job1 ./submit.sh 4
set -euo pipefail
shards=${1:?usage: DMINT_DIR=/shared/folder submit.sh N}
here=$(cd "$(dirname "$0")" && pwd)
array=$(sbatch --parsable --export=ALL --array="0-$((shards - 1))" --output="$DMINT_DIR/slurm-%A_%a.log" "$here/shard.sbatch")
merge=$(sbatch --parsable --export=ALL --dependency="afterany:$array" --output="$DMINT_DIR/slurm-merge-%j.log" "$here/merge.sbatch")
echo "$array $merge"
