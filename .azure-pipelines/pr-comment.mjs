// Posts a ztpolicy plan (Markdown) on the Azure DevOps pull request that triggered the build, as one thread per
// environment that is updated in place on every push. Uses the build's own System.AccessToken (issued by Azure
// DevOps for this run; never printed), over the documented Git "Pull Request Threads" REST API (api-version 7.1).
// Usage: node .azure-pipelines/pr-comment.mjs plan.md <environment>
import { readFileSync } from 'node:fs';

const [file, env] = process.argv.slice(2);
const { SYSTEM_ACCESSTOKEN: token, SYSTEM_COLLECTIONURI: org, SYSTEM_TEAMPROJECTID: project, BUILD_REPOSITORY_ID: repo, SYSTEM_PULLREQUEST_PULLREQUESTID: pr } = process.env;
if (!file || !env || !token || !org || !project || !repo || !pr) {
  console.error('pr-comment: needs a plan file, an environment name, and the pull-request build variables (SYSTEM_ACCESSTOKEN mapped in env)');
  process.exit(2);
}
const marker = `<!-- ztpolicy-plan:${env} -->`;
const content = `${marker}\n${readFileSync(file, 'utf8')}`;
const base = `${org}${project}/_apis/git/repositories/${repo}/pullRequests/${pr}/threads`;
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

async function call(method, url, body) {
  const res = await fetch(`${url}${url.includes('?') ? '&' : '?'}api-version=7.1`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (!res.ok) throw new Error(`${method} ${new URL(url).pathname} -> HTTP ${res.status}`);
  return res.json();
}

const threads = (await call('GET', base)).value ?? [];
const mine = threads.find((t) => t.comments?.[0]?.content?.startsWith(marker));
if (mine) await call('PATCH', `${base}/${mine.id}/comments/${mine.comments[0].id}`, { content });
else await call('POST', base, { comments: [{ parentCommentId: 0, content, commentType: 1 }], status: 1 });
console.log(mine ? `updated plan thread ${mine.id}` : 'posted plan thread');
