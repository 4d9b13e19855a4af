// What waits on the phone for a signal (IndexedDB, one store per page kind): the resident's report and the patrol
// round. Items are kept by their key, so sending the same thing again replaces it rather than adding another.
"use strict";

window.IotOutbox = function (name) {
  const STORE = "outbox";

  function database() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function store(mode, act) {
    const db = await database();
    try {
      return await new Promise((resolve, reject) => {
        const transaction = db.transaction(STORE, mode);
        const request = act(transaction.objectStore(STORE));
        transaction.oncomplete = () => resolve(request ? request.result : undefined);
        transaction.onerror = () => reject(transaction.error);
      });
    } finally {
      db.close();
    }
  }

  return {
    put: (item) => store("readwrite", (s) => s.put(item)),
    all: () => store("readonly", (s) => s.getAll()),
    remove: (key) => store("readwrite", (s) => s.delete(key)),
  };
};
