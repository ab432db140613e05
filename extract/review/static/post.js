// The one way both review pages write: a JSON POST carrying the session token (from the
// page's <meta name="review-token">); the server's JSON answer, or an Error with its
// message (bilingual, from the server) when the answer is not 2xx.
"use strict";

window.reviewPost = async (url, body) => {
  const token = document.querySelector('meta[name="review-token"]').content;
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Review-Token": token },
    body: JSON.stringify(body),
  });
  let answer;
  try {
    answer = await response.json();
  } catch (e) {
    answer = { error: response.statusText };
  }
  if (!response.ok) throw new Error(answer.error || response.statusText);
  return answer;
};
