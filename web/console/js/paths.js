// The pages' own URLs, built from what they show. Pages link with these and never import the
// router: it imports them.

const topics = '/ui/clusters/kraft/all-topics';

export const paths = {
  topics,
  topic: (name) => `${topics}/${encodeURIComponent(name)}`,
  messages: (name) => `${topics}/${encodeURIComponent(name)}/messages`,
  groups: '/ui/groups',
  group: (name) => `/ui/groups/${encodeURIComponent(name)}`,
  schema: (subject) => `/ui/schemas/${encodeURIComponent(subject)}`,
  order: (id) => `/ui/orders/${encodeURIComponent(id)}`,
};
