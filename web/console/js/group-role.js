// What a consumer group is there for, when it is not an ordinary consumer: the label the
// groups pages show instead of a lag that means nothing.

export function groupRole(group) {
  return group && group.role === 'registry-election' ? 'registry election group' : null;
}
