// A piscina worker that claims a hit it never checked: the Miner must refuse
// to report it (node:crypto re-verification), which is what this test double is for.
module.exports = function lie(task) {
  return { hit: task.first + 5n, searched: 6, threadId: 0 };
};
