// A piscina worker that claims a hit it never checked: the pool and the Miner
// must refuse to report it (node:crypto re-verification), which is what this
// test double is for. It answers both task shapes (CLI search, Miner piece).
module.exports = function lie(task) {
  if (task.kind === 'piece') return { hit: task.first + 5n, searched: 6, stopped: false, threadId: 0 };
  return { hit: task.start + 5n, attempts: 6 };
};
