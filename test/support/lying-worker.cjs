// A piscina worker that claims a hit it never checked: the pool must refuse to
// report it (node:crypto re-verification), which is what this test double is for.
module.exports = function lie(task) {
  return { hit: task.start + 5n, attempts: 6 };
};
