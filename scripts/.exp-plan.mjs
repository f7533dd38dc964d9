import { SqliteConnection, SqliteTraceRepository } from '@llmtrace/storage';
import { mkdtempSync } from 'node:fs'; import { join } from 'node:path'; import { tmpdir } from 'node:os';
const path = process.argv[2] || join(mkdtempSync(join(tmpdir(), 'plan-')), 'p.db');
const c = await SqliteConnection.open(path);
const N = Number(process.argv[3] ?? 200000);
if (!process.argv[2]) {
  const repo = new SqliteTraceRepository(c);
  const MODELS = ['gpt-4o','gpt-4o-mini','o3','claude','haiku','llama','qwen','gpt-4.1'];
  let s=1; const rnd=()=>((s=(s*16807)%2147483647)/2147483647);
  for (let i=0;i<N;i+=5000) { const b=[]; for (let j=i;j<i+5000;j++){ const sc=Math.floor(rnd()*101); b.push({spanId:`s${j}`,traceId:`t${j>>1}`,parentSpanId:null,tenantId:`tenant-${(j>>1)%10}`,agentId:null,operationName:'chat',startTime:new Date(1767225600000+j*1000).toISOString(),endTime:null,durationMs:5,provider:'openai',model:MODELS[Math.floor(rnd()*8)],prompt:'x'.repeat(1024),response:null,promptTokens:1,completionTokens:1,totalTokens:2,tokensEstimated:false,timeToFirstTokenMs:null,statusCode:200,errorMessage:null,securityScore:sc,securityFindings:sc>=80?[{id:'f',type:'x',severity:'high',confidence:1,description:'',detectedAt:'2026-01-01T00:00:00Z',metadata:{}}]:[],estimatedCostUsd:null,tags:{},agentActions:[],events:[]}); } await repo.storeBatch(b); }
  await repo.close();
  console.log(path);
  process.exit(0);
}
console.log(c.db.prepare('SELECT * FROM sqlite_stat1').all());
for (const sql of [
  "SELECT count(*) FROM spans WHERE tenant_id = 'tenant-3' AND model = 'gpt-4o' AND +security_score >= 80",
  "SELECT * FROM spans WHERE tenant_id = 'tenant-3' AND model = 'gpt-4o' AND +security_score >= 80 ORDER BY start_ms DESC, span_id DESC LIMIT 1 OFFSET 0",
  "SELECT count(*) FROM traces WHERE tenant_id = 'tenant-3' AND trace_id IN (SELECT trace_id FROM spans WHERE tenant_id = 'tenant-3' AND finding_count > 0)",
  "SELECT count(*) FROM traces WHERE tenant_id = 'tenant-3' AND trace_id IN (SELECT trace_id FROM spans WHERE tenant_id = 'tenant-3' AND model = 'gpt-4o')",
  "SELECT count(*) FROM traces WHERE tenant_id = 'tenant-3' AND trace_id IN (SELECT trace_id FROM spans WHERE tenant_id = 'tenant-3' AND start_ms >= 1767400000000)",
  "SELECT trace_id FROM traces WHERE tenant_id = 'tenant-3' AND trace_id IN (SELECT trace_id FROM spans WHERE tenant_id = 'tenant-3' AND finding_count > 0) ORDER BY created_at DESC, trace_id DESC LIMIT 50",
]) { console.log(sql, '\n   ', c.db.prepare('EXPLAIN QUERY PLAN ' + sql).all().map(r=>r.detail).join(' | ')); const t=performance.now(); c.db.prepare(sql).all(); console.log('   ', (performance.now()-t).toFixed(1),'ms'); }
c.close();
