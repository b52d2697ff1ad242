//! Reading the notes of 1,000 recorded commits along a first-parent chain:
//! the notes tree indexed once (`NotesIndex`) against libgit2's `find_note`
//! per commit, which scans the notes tree on every lookup (libgit2 #5793).
//!
//! ```sh
//! cargo bench --bench notes
//! ```

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use git2::{Oid, Repository, Signature, Sort};

use perfgate::baseline::notes::{self, NotesIndex, NOTES_REF};
use perfgate::model::{Benchmark, ResultSet, SuiteResults, Unit};

const COMMITS: usize = 1000;
/// Suites and benchmarks per suite of each note (about 20 benchmarks), and samples per benchmark.
const SUITES: [(&str, usize); 3] = [("micro", 10), ("api", 6), ("db", 4)];
const SAMPLES: usize = 50;

/// A realistic note: a few suites, ~20 benchmarks of 50 samples each.
fn results(commit: usize) -> ResultSet {
    let suites = SUITES
        .iter()
        .map(|&(name, benchmarks)| SuiteResults {
            name: name.into(),
            benchmarks: (0..benchmarks)
                .map(|b| {
                    let samples = (0..SAMPLES).map(|s| 1000.0 + (commit * 7 + b * 13 + s * 31) as f64 % 97.0).collect();
                    Benchmark::with_samples(format!("{name}/bench_{b}"), "time", Unit::Ns, samples)
                })
                .collect(),
        })
        .collect();
    ResultSet::new(suites)
}

/// A throw-away repository: a chain of `COMMITS` commits, each with a note, in one flat notes tree.
fn repository() -> (tempfile::TempDir, Repository) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let repo = Repository::init(dir.path()).expect("a repository");
    write_chain(&repo);
    (dir, repo)
}

fn write_chain(repo: &Repository) {
    let signature = Signature::now("bench", "bench@localhost").expect("a signature");
    let empty_tree = repo.find_tree(repo.treebuilder(None).unwrap().write().unwrap()).unwrap();
    let mut notes_tree = repo.treebuilder(None).unwrap();
    let mut parent: Option<Oid> = None;
    for i in 0..COMMITS {
        let parents: Vec<git2::Commit> = parent.iter().map(|id| repo.find_commit(*id).unwrap()).collect();
        let parent_refs: Vec<&git2::Commit> = parents.iter().collect();
        let commit = repo
            .commit(Some("HEAD"), &signature, &signature, &format!("commit {i}"), &empty_tree, &parent_refs)
            .expect("a commit");
        let blob = repo.blob(serde_json::to_string(&results(i)).unwrap().as_bytes()).unwrap();
        notes_tree.insert(commit.to_string(), blob, 0o100644).unwrap();
        parent = Some(commit);
    }
    let notes_tree = repo.find_tree(notes_tree.write().unwrap()).unwrap();
    repo.commit(Some(NOTES_REF), &signature, &signature, "notes", &notes_tree, &[]).expect("a notes commit");
}

/// The first-parent chain from HEAD, newest first.
fn chain(repo: &Repository) -> Vec<Oid> {
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    walk.simplify_first_parent().unwrap();
    walk.set_sorting(Sort::TOPOLOGICAL).unwrap();
    walk.map(|id| id.unwrap()).collect()
}

fn read_notes(c: &mut Criterion) {
    let (_dir, repo) = repository();
    let commits = chain(&repo);
    assert_eq!(commits.len(), COMMITS);
    let mut group = c.benchmark_group("notes_1000_commits");
    group.sample_size(10);
    group.bench_function("index_load_and_read_all", |b| {
        b.iter(|| {
            let index = NotesIndex::load(&repo).unwrap();
            let read: usize =
                commits.iter().map(|&c| index.read(&repo, c).unwrap().map_or(0, |s| s.suites.len())).sum();
            black_box(read)
        })
    });
    group.bench_function("find_note_per_commit", |b| {
        b.iter(|| {
            let read: usize =
                commits.iter().map(|&c| notes::read(&repo, c).unwrap().map_or(0, |s| s.suites.len())).sum();
            black_box(read)
        })
    });
    group.finish();
}

criterion_group!(benches, read_notes);
criterion_main!(benches);
